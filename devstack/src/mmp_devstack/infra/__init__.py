"""The servers a stack can run besides its own processes: a Kafka broker (tansu or Apache Kafka) and FerretDB."""
