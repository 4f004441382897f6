CREATE TABLE `run_output_chunks` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`output_id` bigint unsigned NOT NULL,
	`seq` int NOT NULL,
	`data` mediumblob NOT NULL,
	CONSTRAINT `run_output_chunks_id` PRIMARY KEY(`id`),
	CONSTRAINT `run_output_chunks_output_seq_unique` UNIQUE(`output_id`,`seq`)
);
--> statement-breakpoint
CREATE TABLE `run_outputs` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`run_id` bigint unsigned NOT NULL,
	`attempt` int NOT NULL,
	`path` varchar(512) NOT NULL,
	`size` bigint unsigned NOT NULL,
	`sha256` varchar(64) NOT NULL,
	`stored` boolean NOT NULL DEFAULT false,
	`created_at` datetime(3) NOT NULL,
	CONSTRAINT `run_outputs_id` PRIMARY KEY(`id`),
	CONSTRAINT `run_outputs_run_attempt_path_unique` UNIQUE(`run_id`,`attempt`,`path`)
);
--> statement-breakpoint
CREATE TABLE `schedules` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`public_id` varchar(26) NOT NULL,
	`name` varchar(255) NOT NULL,
	`user_id` bigint unsigned NOT NULL,
	`pipeline` varchar(200) NOT NULL,
	`config` longtext NOT NULL,
	`cron` varchar(120) NOT NULL,
	`time_zone` varchar(64) NOT NULL DEFAULT 'UTC',
	`enabled` boolean NOT NULL DEFAULT true,
	`missed_policy` enum('skip','run_once') NOT NULL DEFAULT 'skip',
	`next_fire_at` datetime(3),
	`last_fire_at` datetime(3),
	`last_run_id` bigint unsigned,
	`last_error` varchar(1000),
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3),
	CONSTRAINT `schedules_id` PRIMARY KEY(`id`),
	CONSTRAINT `schedules_public_id_unique` UNIQUE(`public_id`)
);
--> statement-breakpoint
CREATE TABLE `settings` (
	`key` varchar(64) NOT NULL,
	`value` json NOT NULL,
	`updated_at` datetime(3),
	CONSTRAINT `settings_key` PRIMARY KEY(`key`)
);
--> statement-breakpoint
ALTER TABLE `users` ADD `max_running_runs` int;--> statement-breakpoint
ALTER TABLE `runs` ADD `schedule_id` bigint unsigned;--> statement-breakpoint
ALTER TABLE `run_output_chunks` ADD CONSTRAINT `run_output_chunks_output_id_run_outputs_id_fk` FOREIGN KEY (`output_id`) REFERENCES `run_outputs`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `run_outputs` ADD CONSTRAINT `run_outputs_run_id_runs_id_fk` FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `schedules` ADD CONSTRAINT `schedules_user_id_users_id_fk` FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX `run_outputs_run_idx` ON `run_outputs` (`run_id`,`attempt`);--> statement-breakpoint
CREATE INDEX `schedules_due_idx` ON `schedules` (`enabled`,`next_fire_at`);