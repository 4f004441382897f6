-- Hand-written (drizzle-kit generate --custom): copies the labels of the runs stored before
-- run_labels existed from runs.labels, one row per key. Keys are JSON object keys matching
-- [A-Za-z0-9][A-Za-z0-9_./-]{0,62} (lib/contract/runs.ts), so they need no escaping in the path.
INSERT IGNORE INTO `run_labels` (`run_id`, `key`, `value`)
SELECT r.`id`, k.`label_key`, JSON_UNQUOTE(JSON_EXTRACT(r.`labels`, CONCAT('$."', k.`label_key`, '"')))
FROM `runs` r,
  JSON_TABLE(JSON_KEYS(r.`labels`), '$[*]' COLUMNS (`label_key` varchar(63) PATH '$')) AS k;
