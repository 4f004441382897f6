ALTER TABLE `users` ADD `password_changed_at` datetime(3);--> statement-breakpoint
ALTER TABLE `pipelines` DROP COLUMN `available`;