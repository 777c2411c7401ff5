-- +goose Up
-- Names compare in any case (db.nameKey), and Greek writes a lower-case
-- sigma two ways: σ, and ς at the end of a word. Upper case has one Σ, so
-- "ΣΊΣΥΦΟΣ" lowered is "σίσυφοσ" while "Σίσυφος" lowered is "σίσυφος":
-- the same name, two keys. nameKey now writes ς as σ; the keys already
-- stored follow. A row whose new key another row of its scope already
-- holds (two names that were duplicates all along) keeps its old key
-- rather than failing the migration: both stay, as they were.
UPDATE OR IGNORE tenants SET name_key = replace(name_key, 'ς', 'σ') WHERE instr(name_key, 'ς') > 0;
UPDATE OR IGNORE hubs SET name_key = replace(name_key, 'ς', 'σ') WHERE instr(name_key, 'ς') > 0;
UPDATE OR IGNORE integrations SET name_key = replace(name_key, 'ς', 'σ') WHERE instr(name_key, 'ς') > 0;
UPDATE OR IGNORE users SET email_key = replace(email_key, 'ς', 'σ') WHERE instr(email_key, 'ς') > 0;

-- +goose Down
-- Nothing to undo: which σ were written ς is not known any more, and the
-- earlier code reads keys with σ as well as before.
SELECT 1;
