CREATE TABLE `run_event_cursors` (
	`consumer` varchar(64) NOT NULL,
	`last_event_id` bigint unsigned NOT NULL,
	`updated_at` datetime(3),
	CONSTRAINT `run_event_cursors_consumer` PRIMARY KEY(`consumer`)
);
