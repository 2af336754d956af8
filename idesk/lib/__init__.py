"""Small helpers the apps share that are about none of them (PDF and spreadsheet output, query counting).

The lowest layer: it imports none of our apps, and every app may import it (see .importlinter)."""
