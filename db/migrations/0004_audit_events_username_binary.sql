CREATE TABLE `audit_events` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`at` datetime(3) NOT NULL,
	`action` varchar(48) NOT NULL,
	`outcome` enum('ok','failed','locked') NOT NULL DEFAULT 'ok',
	`actor_user_id` bigint unsigned,
	`actor_username` varchar(64),
	`via` enum('password','token','session','sign-in','cli'),
	`ip` varchar(45),
	`target_type` enum('user','token','run','schedule','intake'),
	`target_id` varchar(64),
	`details` json NOT NULL,
	CONSTRAINT `audit_events_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
ALTER TABLE `users` MODIFY COLUMN `username` varchar(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL;--> statement-breakpoint
CREATE INDEX `audit_events_at_idx` ON `audit_events` (`at`,`id`);--> statement-breakpoint
CREATE INDEX `audit_events_actor_idx` ON `audit_events` (`actor_username`,`at`);--> statement-breakpoint
CREATE INDEX `audit_events_action_idx` ON `audit_events` (`action`,`at`);--> statement-breakpoint
CREATE INDEX `audit_events_target_idx` ON `audit_events` (`target_type`,`target_id`,`at`);--> statement-breakpoint
CREATE INDEX `audit_events_outcome_idx` ON `audit_events` (`outcome`,`at`);