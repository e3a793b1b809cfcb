"""One small client per protocol, all with the same verbs and every exchange kept as evidence."""
