CREATE TABLE `webhook_deliveries` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`endpoint_id` bigint unsigned NOT NULL,
	`run_event_id` bigint unsigned,
	`message_id` varchar(40) NOT NULL,
	`event_type` varchar(40) NOT NULL,
	`payload` json NOT NULL,
	`state` enum('pending','succeeded','failed') NOT NULL DEFAULT 'pending',
	`attempts` int NOT NULL DEFAULT 0,
	`next_attempt_at` datetime(3),
	`lease_until` datetime(3),
	`last_attempt_at` datetime(3),
	`last_status_code` int,
	`last_error` varchar(300),
	`last_response_ms` int,
	`created_at` datetime(3) NOT NULL,
	CONSTRAINT `webhook_deliveries_id` PRIMARY KEY(`id`),
	CONSTRAINT `webhook_deliveries_event_unique` UNIQUE(`endpoint_id`,`run_event_id`),
	CONSTRAINT `webhook_deliveries_message_unique` UNIQUE(`message_id`)
);
--> statement-breakpoint
CREATE TABLE `webhook_endpoints` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`user_id` bigint unsigned NOT NULL,
	`url` varchar(2000) NOT NULL,
	`description` varchar(200) NOT NULL DEFAULT '',
	`secret_cipher` varchar(255) NOT NULL,
	`events` json NOT NULL,
	`pipelines` json,
	`all_users` boolean NOT NULL DEFAULT false,
	`disabled_at` datetime(3),
	`disabled_reason` varchar(200),
	`created_at` datetime(3) NOT NULL,
	CONSTRAINT `webhook_endpoints_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
ALTER TABLE `webhook_deliveries` ADD CONSTRAINT `webhook_deliveries_endpoint_id_webhook_endpoints_id_fk` FOREIGN KEY (`endpoint_id`) REFERENCES `webhook_endpoints`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `webhook_endpoints` ADD CONSTRAINT `webhook_endpoints_user_id_users_id_fk` FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX `webhook_deliveries_due_idx` ON `webhook_deliveries` (`state`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `webhook_endpoints_user_idx` ON `webhook_endpoints` (`user_id`);