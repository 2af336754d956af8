"""Reads of documents: lists, counts and inboxes, each with a known number of queries."""
