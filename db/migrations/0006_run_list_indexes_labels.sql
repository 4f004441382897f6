CREATE TABLE `run_labels` (
	`run_id` bigint unsigned NOT NULL,
	`key` varchar(63) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
	`value` varchar(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
	CONSTRAINT `run_labels_pk` PRIMARY KEY(`run_id`,`key`)
);
--> statement-breakpoint
ALTER TABLE `run_labels` ADD CONSTRAINT `run_labels_run_id_runs_id_fk` FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX `run_labels_key_value_idx` ON `run_labels` (`key`,`value`,`run_id`);--> statement-breakpoint
CREATE INDEX `runs_pipeline_version_idx` ON `runs` (`pipeline_name`,`pipeline_version`,`id`);--> statement-breakpoint
CREATE INDEX `runs_status_pipeline_idx` ON `runs` (`status`,`pipeline_name`,`id`);--> statement-breakpoint
CREATE INDEX `runs_user_status_idx` ON `runs` (`user_id`,`status`,`id`);--> statement-breakpoint
CREATE INDEX `runs_user_pipeline_idx` ON `runs` (`user_id`,`pipeline_name`,`id`);--> statement-breakpoint
CREATE INDEX `runs_name_idx` ON `runs` (`name`);--> statement-breakpoint
CREATE INDEX `runs_user_name_idx` ON `runs` (`user_id`,`name`);