"""Demo documents for the Vân Canh district (filled by the incoming/outgoing features)."""
