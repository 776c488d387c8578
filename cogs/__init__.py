"""Discord commands, one extension per feature; thin: parse, call the domain, render."""
