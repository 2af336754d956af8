"""One search over every kind of document a person may see (incoming, issued, drafts, meetings), and the
searches each person saves (NĐ30 Appendix VI)."""
