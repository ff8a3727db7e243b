"""Evidence: packages (cut, hashed, signed), share links and their views, the transparency report."""
