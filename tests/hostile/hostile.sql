-- hostile.sql - hostile identifiers, end to end (issue 6, part 4).
-- Every name here is legal PostgreSQL; pgcascade must read, report, fix
-- and verify them exactly. Applied to a real PostgreSQL by t0640.
CREATE SCHEMA "Sch""ema; x";
CREATE TABLE "Users" ("ID" bigint PRIMARY KEY, "e-mail" text);
CREATE TABLE students (id int PRIMARY KEY);  -- the canary: must survive everything

-- quotes inside names (an unnamed FK: PostgreSQL names it a"b_it's_fkey)
CREATE TABLE "a""b" (id int PRIMARY KEY, "it's" bigint REFERENCES "Users" ("ID"));
-- semicolons and spaces, and a constraint name that is an injection
CREATE TABLE "semi;colon table" (id int PRIMARY KEY, "user id" bigint,
    CONSTRAINT "fk; DROP TABLE students;--" FOREIGN KEY ("user id") REFERENCES "Users");
-- non-ASCII letters
CREATE TABLE "naïve_tåble" ("ünïcode_cöl" bigint CONSTRAINT "ключ_пользователя" REFERENCES "Users");
-- reserved words
CREATE TABLE "select" ("from" bigint, "order" int, CONSTRAINT "where" FOREIGN KEY ("from") REFERENCES "Users");
-- mixed case, RESTRICT
CREATE TABLE "MixedCase" ("UserId" bigint REFERENCES "Users" ON DELETE RESTRICT);
-- Bobby Tables, as a schema-qualified table and as a column
CREATE TABLE "Sch""ema; x"."Robert'); DROP TABLE students;--" (id int PRIMARY KEY,
    "Robert'); DROP TABLE students;--" bigint REFERENCES "Users");
-- 63 bytes (kept), 64 bytes (truncated to 63), 64 bytes ending in a 2-byte
-- character (truncated to 62), and a 63-byte column whose default FK name
-- must be shortened the way makeObjectName does
CREATE TABLE t63_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx (u bigint REFERENCES "Users");
CREATE TABLE t64_yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy (u bigint REFERENCES "Users");
CREATE TABLE "m64_zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzé" (u bigint REFERENCES "Users");
CREATE TABLE widths (ccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc bigint REFERENCES "Users");
-- a second level under a hostile parent
CREATE TABLE "child ""2""" (p int REFERENCES "semi;colon table" (id), "Note" text);
-- a cascade: fine as it is
CREATE TABLE "Sessions" ("user" bigint REFERENCES "Users" ON DELETE CASCADE);
