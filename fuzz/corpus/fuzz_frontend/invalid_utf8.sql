CREATE TABLE users (id int PRIMARY KEY);
ÿþ CREATE TABLE Ã( (id int);
