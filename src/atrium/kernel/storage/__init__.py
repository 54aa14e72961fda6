"""Storage back ends for the blob store: encryption at rest (`encrypted`), S3 with ranged reads
(`s3`) and the key parser (`keys`, light enough for the settings to import)."""
