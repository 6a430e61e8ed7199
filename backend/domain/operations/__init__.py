"""后台任务: the scheduled jobs' last runs and failures, recorded in the database."""
