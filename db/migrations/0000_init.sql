CREATE TABLE `api_tokens` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`user_id` bigint unsigned NOT NULL,
	`name` varchar(100) NOT NULL,
	`token_hash` varchar(64) NOT NULL,
	`token_prefix` varchar(16) NOT NULL,
	`created_at` datetime(3) NOT NULL,
	`last_used_at` datetime(3),
	`expires_at` datetime(3),
	`revoked_at` datetime(3),
	CONSTRAINT `api_tokens_id` PRIMARY KEY(`id`),
	CONSTRAINT `api_tokens_hash_unique` UNIQUE(`token_hash`)
);
--> statement-breakpoint
CREATE TABLE `users` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`username` varchar(64) NOT NULL,
	`email` varchar(255),
	`role` enum('admin','operator','submitter','viewer') NOT NULL DEFAULT 'submitter',
	`password_hash` varchar(255) NOT NULL,
	`disabled_at` datetime(3),
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3),
	CONSTRAINT `users_id` PRIMARY KEY(`id`),
	CONSTRAINT `users_username_unique` UNIQUE(`username`)
);
--> statement-breakpoint
CREATE TABLE `pipelines` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`name` varchar(64) NOT NULL,
	`version` varchar(64) NOT NULL,
	`title` varchar(200) NOT NULL,
	`description` text NOT NULL,
	`is_dev` boolean NOT NULL DEFAULT false,
	`schema` json NOT NULL,
	`example` json,
	`definition` json NOT NULL,
	`definition_hash` varchar(64) NOT NULL,
	`timeout_seconds` int NOT NULL,
	`max_attempts` int NOT NULL DEFAULT 1,
	`available` boolean NOT NULL DEFAULT true,
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3),
	CONSTRAINT `pipelines_id` PRIMARY KEY(`id`),
	CONSTRAINT `pipelines_name_version_unique` UNIQUE(`name`,`version`)
);
--> statement-breakpoint
CREATE TABLE `run_attempts` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`run_id` bigint unsigned NOT NULL,
	`attempt` int NOT NULL,
	`worker_id` varchar(128) NOT NULL,
	`host` varchar(255) NOT NULL,
	`pid` int,
	`process_group` int,
	`work_dir` varchar(1024) NOT NULL,
	`started_at` datetime(3) NOT NULL,
	`finished_at` datetime(3),
	`exit_code` int,
	`signal` varchar(16),
	`outcome` enum('queued','held','running','cancelling','succeeded','failed','error','cancelled'),
	`error` text,
	CONSTRAINT `run_attempts_id` PRIMARY KEY(`id`),
	CONSTRAINT `run_attempts_run_attempt_unique` UNIQUE(`run_id`,`attempt`)
);
--> statement-breakpoint
CREATE TABLE `run_events` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`run_id` bigint unsigned NOT NULL,
	`attempt` int NOT NULL DEFAULT 0,
	`from_status` enum('queued','held','running','cancelling','succeeded','failed','error','cancelled'),
	`to_status` enum('queued','held','running','cancelling','succeeded','failed','error','cancelled') NOT NULL,
	`message` varchar(1000),
	`actor_user_id` bigint unsigned,
	`created_at` datetime(3) NOT NULL,
	CONSTRAINT `run_events_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `run_logs` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`run_id` bigint unsigned NOT NULL,
	`attempt` int NOT NULL,
	`offset` bigint unsigned NOT NULL,
	`length` int unsigned NOT NULL,
	`stream` enum('stdout','stderr','system') NOT NULL,
	`content` longtext NOT NULL,
	`created_at` datetime(3) NOT NULL,
	CONSTRAINT `run_logs_id` PRIMARY KEY(`id`),
	CONSTRAINT `run_logs_run_offset_unique` UNIQUE(`run_id`,`offset`)
);
--> statement-breakpoint
CREATE TABLE `runs` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`public_id` varchar(26) NOT NULL,
	`pipeline_id` bigint unsigned NOT NULL,
	`pipeline_name` varchar(64) NOT NULL,
	`pipeline_version` varchar(64) NOT NULL,
	`user_id` bigint unsigned NOT NULL,
	`name` varchar(255),
	`labels` json NOT NULL,
	`status` enum('queued','held','running','cancelling','succeeded','failed','error','cancelled') NOT NULL,
	`trigger` enum('api','legacy_api','web','workbook','schedule','retry') NOT NULL,
	`config` longtext NOT NULL,
	`priority` int NOT NULL DEFAULT 0,
	`attempt` int NOT NULL DEFAULT 0,
	`max_attempts` int NOT NULL DEFAULT 1,
	`exit_code` int,
	`error` text,
	`progress_percent` double,
	`progress_message` varchar(500),
	`log_bytes` bigint unsigned NOT NULL DEFAULT 0,
	`idempotency_key` varchar(255),
	`request_hash` varchar(64),
	`retry_of_run_id` bigint unsigned,
	`created_at` datetime(3) NOT NULL,
	`queued_at` datetime(3),
	`started_at` datetime(3),
	`finished_at` datetime(3),
	`cancel_requested_at` datetime(3),
	`updated_at` datetime(3),
	CONSTRAINT `runs_id` PRIMARY KEY(`id`),
	CONSTRAINT `runs_public_id_unique` UNIQUE(`public_id`),
	CONSTRAINT `runs_idempotency_unique` UNIQUE(`user_id`,`idempotency_key`)
);
--> statement-breakpoint
ALTER TABLE `api_tokens` ADD CONSTRAINT `api_tokens_user_id_users_id_fk` FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `run_attempts` ADD CONSTRAINT `run_attempts_run_id_runs_id_fk` FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `run_events` ADD CONSTRAINT `run_events_run_id_runs_id_fk` FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `run_logs` ADD CONSTRAINT `run_logs_run_id_runs_id_fk` FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `runs` ADD CONSTRAINT `runs_pipeline_id_pipelines_id_fk` FOREIGN KEY (`pipeline_id`) REFERENCES `pipelines`(`id`) ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `runs` ADD CONSTRAINT `runs_user_id_users_id_fk` FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX `api_tokens_user_idx` ON `api_tokens` (`user_id`);--> statement-breakpoint
CREATE INDEX `run_events_run_idx` ON `run_events` (`run_id`,`id`);--> statement-breakpoint
CREATE INDEX `runs_status_idx` ON `runs` (`status`,`id`);--> statement-breakpoint
CREATE INDEX `runs_user_idx` ON `runs` (`user_id`,`id`);--> statement-breakpoint
CREATE INDEX `runs_pipeline_idx` ON `runs` (`pipeline_name`,`id`);