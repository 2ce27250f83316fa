CREATE TABLE "sdk_fleet" (
	"instance_id" text NOT NULL,
	"environment_key" text NOT NULL,
	"app_version" text NOT NULL,
	"count" integer NOT NULL,
	"reported_at" timestamp with time zone NOT NULL,
	CONSTRAINT "sdk_fleet_instance_id_environment_key_app_version_pk" PRIMARY KEY("instance_id","environment_key","app_version")
);
