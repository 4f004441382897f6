CREATE TABLE `list_values` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`version_id` bigint unsigned NOT NULL,
	`user_id` bigint unsigned,
	`value` varchar(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
	`label` varchar(255),
	CONSTRAINT `list_values_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `list_versions` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`list_id` bigint unsigned NOT NULL,
	`count` int unsigned NOT NULL,
	`hash` char(64) NOT NULL,
	`etag` varchar(200),
	`last_modified` varchar(100),
	`created_at` datetime(3) NOT NULL,
	CONSTRAINT `list_versions_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `reference_lists` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`name` varchar(64) NOT NULL,
	`description` varchar(500) NOT NULL DEFAULT '',
	`source` json NOT NULL,
	`cron` varchar(120) NOT NULL DEFAULT '0 * * * *',
	`time_zone` varchar(64) NOT NULL DEFAULT 'UTC',
	`per_user` boolean NOT NULL DEFAULT false,
	`next_refresh_at` datetime(3),
	`last_refresh_at` datetime(3),
	`last_error` varchar(1000),
	`last_error_at` datetime(3),
	`current_version_id` bigint unsigned,
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3),
	CONSTRAINT `reference_lists_id` PRIMARY KEY(`id`),
	CONSTRAINT `reference_lists_name_unique` UNIQUE(`name`)
);
--> statement-breakpoint
CREATE TABLE `run_list_versions` (
	`run_id` bigint unsigned NOT NULL,
	`list_name` varchar(64) NOT NULL,
	`version_id` bigint unsigned NOT NULL,
	CONSTRAINT `run_list_versions_run_list_unique` UNIQUE(`run_id`,`list_name`)
);
--> statement-breakpoint
ALTER TABLE `audit_events` MODIFY COLUMN `target_type` enum('user','token','run','schedule','intake','list');--> statement-breakpoint
ALTER TABLE `list_values` ADD CONSTRAINT `list_values_version_id_list_versions_id_fk` FOREIGN KEY (`version_id`) REFERENCES `list_versions`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `list_values` ADD CONSTRAINT `list_values_user_id_users_id_fk` FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `list_versions` ADD CONSTRAINT `list_versions_list_id_reference_lists_id_fk` FOREIGN KEY (`list_id`) REFERENCES `reference_lists`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `run_list_versions` ADD CONSTRAINT `run_list_versions_run_id_runs_id_fk` FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX `list_values_version_value_idx` ON `list_values` (`version_id`,`value`);--> statement-breakpoint
CREATE INDEX `list_values_version_user_value_idx` ON `list_values` (`version_id`,`user_id`,`value`);--> statement-breakpoint
CREATE INDEX `list_versions_list_idx` ON `list_versions` (`list_id`,`id`);--> statement-breakpoint
CREATE INDEX `reference_lists_due_idx` ON `reference_lists` (`next_refresh_at`);