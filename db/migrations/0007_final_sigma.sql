-- +goose Up
-- Names compare in any case (db.nameKey), and Greek writes a lower-case
-- sigma two ways: σ, and ς at the end of a word. Upper case has one Σ, so
-- "ΣΊΣΥΦΟΣ" lowered is "σίσυφοσ" while "Σίσυφος" lowered is "σίσυφος":
-- the same name, two keys. nameKey now writes ς as σ; the keys already
-- stored follow. Two names of one scope that fold to the same key were
-- duplicates all along: the later one (by created, then id) gets the start
-- of its id appended to its name first, so that both keep working (every
-- write checks the folded key) and an operator can tell them apart.
-- Only keys holding a sigma are compared with others, so each statement
-- reads its table once. Email addresses are not folded (db.emailKey).
UPDATE tenants SET name = name || ' (' || substr(id, 1, 8) || ')', name_key = name_key || ' (' || substr(id, 1, 8) || ')'
WHERE (instr(tenants.name_key, 'ς') > 0 OR instr(tenants.name_key, 'σ') > 0) AND EXISTS (SELECT 1 FROM tenants o WHERE o.id <> tenants.id
    AND replace(o.name_key, 'ς', 'σ') = replace(tenants.name_key, 'ς', 'σ')
    AND (o.created < tenants.created OR (o.created = tenants.created AND o.id < tenants.id)));
UPDATE hubs SET name = name || ' (' || substr(id, 1, 8) || ')', name_key = name_key || ' (' || substr(id, 1, 8) || ')'
WHERE (instr(hubs.name_key, 'ς') > 0 OR instr(hubs.name_key, 'σ') > 0) AND EXISTS (SELECT 1 FROM hubs o WHERE o.tenant_id = hubs.tenant_id AND o.id <> hubs.id
    AND replace(o.name_key, 'ς', 'σ') = replace(hubs.name_key, 'ς', 'σ')
    AND (o.created < hubs.created OR (o.created = hubs.created AND o.id < hubs.id)));
UPDATE integrations SET name = name || ' (' || substr(id, 1, 8) || ')', name_key = name_key || ' (' || substr(id, 1, 8) || ')'
WHERE (instr(integrations.name_key, 'ς') > 0 OR instr(integrations.name_key, 'σ') > 0) AND EXISTS (SELECT 1 FROM integrations o WHERE o.hub_id = integrations.hub_id AND o.id <> integrations.id
    AND replace(o.name_key, 'ς', 'σ') = replace(integrations.name_key, 'ς', 'σ')
    AND (o.created < integrations.created OR (o.created = integrations.created AND o.id < integrations.id)));
UPDATE tenants SET name_key = replace(name_key, 'ς', 'σ') WHERE instr(name_key, 'ς') > 0;
UPDATE hubs SET name_key = replace(name_key, 'ς', 'σ') WHERE instr(name_key, 'ς') > 0;
UPDATE integrations SET name_key = replace(name_key, 'ς', 'σ') WHERE instr(name_key, 'ς') > 0;

-- +goose Down
-- Nothing to undo: which σ were written ς is not known any more, and the
-- earlier code reads keys with σ as well as before.
SELECT 1;
