DO $$ BEGIN EXECUTE 'ALTER TABLE users ADD COLUMN x int'; END $$;
CREATE FUNCTION f() RETURNS void AS $body$ BEGIN EXECUTE 'DROP TABLE t'; END $body$ LANGUAGE plpgsql;
CREATE TABLE t (id int REFERENCES missing_table);
CREATE TABLE broken (id int,;
/* unterminated comment
