CREATE TABLE `email_notifications` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`run_event_id` bigint unsigned NOT NULL,
	`run_id` bigint unsigned NOT NULL,
	`user_id` bigint unsigned NOT NULL,
	`status` enum('succeeded','failed','error','cancelled') NOT NULL,
	`state` enum('pending','sending','sent','skipped','failed') NOT NULL DEFAULT 'pending',
	`recipients` varchar(6000),
	`digest` boolean NOT NULL DEFAULT false,
	`attempts` int NOT NULL DEFAULT 0,
	`next_attempt_at` datetime(3) NOT NULL,
	`claimed_at` datetime(3),
	`sent_at` datetime(3),
	`error` varchar(1000),
	`created_at` datetime(3) NOT NULL,
	CONSTRAINT `email_notifications_id` PRIMARY KEY(`id`),
	CONSTRAINT `email_notifications_event_unique` UNIQUE(`run_event_id`)
);
--> statement-breakpoint
CREATE TABLE `notification_preferences` (
	`user_id` bigint unsigned NOT NULL,
	`email_statuses` json NOT NULL,
	`updated_at` datetime(3),
	CONSTRAINT `notification_preferences_user_id` PRIMARY KEY(`user_id`)
);
--> statement-breakpoint
ALTER TABLE `email_notifications` ADD CONSTRAINT `email_notifications_run_event_id_run_events_id_fk` FOREIGN KEY (`run_event_id`) REFERENCES `run_events`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `email_notifications` ADD CONSTRAINT `email_notifications_run_id_runs_id_fk` FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `email_notifications` ADD CONSTRAINT `email_notifications_user_id_users_id_fk` FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `notification_preferences` ADD CONSTRAINT `notification_preferences_user_id_users_id_fk` FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX `email_notifications_due_idx` ON `email_notifications` (`state`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `email_notifications_user_idx` ON `email_notifications` (`user_id`,`sent_at`);