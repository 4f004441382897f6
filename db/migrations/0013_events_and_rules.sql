CREATE TABLE `event_rules` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`public_id` varchar(26) NOT NULL,
	`name` varchar(255) NOT NULL,
	`event_type` varchar(100) NOT NULL,
	`filter` text NOT NULL,
	`pipeline` varchar(200) NOT NULL,
	`config_template` longtext NOT NULL,
	`user_id` bigint unsigned NOT NULL,
	`enabled` boolean NOT NULL DEFAULT true,
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3),
	CONSTRAINT `event_rules_id` PRIMARY KEY(`id`),
	CONSTRAINT `event_rules_public_id_unique` UNIQUE(`public_id`)
);
--> statement-breakpoint
CREATE TABLE `event_runs` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`event_id` bigint unsigned NOT NULL,
	`rule_public_id` varchar(26) NOT NULL,
	`run_id` bigint unsigned,
	`error` varchar(1000),
	`created_at` datetime(3) NOT NULL,
	CONSTRAINT `event_runs_id` PRIMARY KEY(`id`),
	CONSTRAINT `event_runs_event_rule_unique` UNIQUE(`event_id`,`rule_public_id`)
);
--> statement-breakpoint
CREATE TABLE `events` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`event_id` varchar(200) NOT NULL,
	`type` varchar(100) NOT NULL,
	`payload` longtext NOT NULL,
	`body_hash` varchar(64) NOT NULL,
	`depth` int NOT NULL DEFAULT 0,
	`source_run_id` bigint unsigned,
	`error` varchar(1000),
	`posted_by` bigint unsigned,
	`created_at` datetime(3) NOT NULL,
	`processed_at` datetime(3),
	CONSTRAINT `events_id` PRIMARY KEY(`id`),
	CONSTRAINT `events_event_id_unique` UNIQUE(`event_id`)
);
--> statement-breakpoint
ALTER TABLE `runs` MODIFY COLUMN `trigger` enum('api','legacy_api','web','workbook','schedule','retry','event') NOT NULL;--> statement-breakpoint
ALTER TABLE `audit_events` MODIFY COLUMN `target_type` enum('user','token','run','schedule','intake','list','rule');--> statement-breakpoint
ALTER TABLE `api_tokens` ADD `scope` varchar(32);--> statement-breakpoint
ALTER TABLE `event_rules` ADD CONSTRAINT `event_rules_user_id_users_id_fk` FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `event_runs` ADD CONSTRAINT `event_runs_event_id_events_id_fk` FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `event_runs` ADD CONSTRAINT `event_runs_run_id_runs_id_fk` FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX `event_rules_type_idx` ON `event_rules` (`event_type`);--> statement-breakpoint
CREATE INDEX `event_runs_run_idx` ON `event_runs` (`run_id`);--> statement-breakpoint
CREATE INDEX `events_source_run_idx` ON `events` (`source_run_id`);