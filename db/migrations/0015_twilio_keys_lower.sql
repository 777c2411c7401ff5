-- +goose Up
-- A Twilio number's key (one integration per number) is its SID in lower
-- case since this release: "PN…ABCDEF" and "PN…abcdef" are one number, and
-- were taken for two. Existing keys follow, unless another integration
-- holds the same number in another case (two integrations on one number:
-- both are kept as they are, to be deleted by hand).
UPDATE integrations SET attach_key = lower(attach_key)
WHERE attach_key LIKE 'twilio-number:%' AND attach_key <> lower(attach_key)
  AND NOT EXISTS (SELECT 1 FROM integrations o
                  WHERE o.id <> integrations.id AND lower(o.attach_key) = lower(integrations.attach_key));

-- +goose Down
SELECT 1;
