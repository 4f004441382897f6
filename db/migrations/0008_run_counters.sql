CREATE TABLE `run_counts` (
	`status` enum('queued','held','running','cancelling','succeeded','failed','error','cancelled') NOT NULL,
	`shard` tinyint unsigned NOT NULL,
	`n` bigint NOT NULL DEFAULT 0,
	CONSTRAINT `run_counts_status_shard_pk` PRIMARY KEY(`status`,`shard`)
);
--> statement-breakpoint
CREATE TABLE `run_hourly` (
	`hour` datetime NOT NULL,
	`status` enum('queued','held','running','cancelling','succeeded','failed','error','cancelled') NOT NULL,
	`n` bigint NOT NULL DEFAULT 0,
	CONSTRAINT `run_hourly_hour_status_pk` PRIMARY KEY(`hour`,`status`)
);
--> statement-breakpoint
CREATE INDEX `runs_finished_idx` ON `runs` (`finished_at`);