-- For truth.sh only (not part of the project): what CockroachDB has built in
-- and these migrations use, so that a plain PostgreSQL accepts them unchanged.
-- STRING: "The STRING data type stores a string of Unicode characters ...
-- aliases: TEXT, VARCHAR, CHARACTER VARYING"
-- (https://www.cockroachlabs.com/docs/stable/string).
-- unique_rowid(): "Returns a unique ID used by CockroachDB to generate unique
-- row IDs if a Primary Key isn't defined for the table"
-- (https://www.cockroachlabs.com/docs/stable/functions-and-operators).
-- Neither changes a foreign key, which is all the truth files record.
CREATE DOMAIN string AS text;
CREATE FUNCTION unique_rowid() RETURNS int8 LANGUAGE sql VOLATILE
    AS 'SELECT (floor(random() * 9e18))::int8';
