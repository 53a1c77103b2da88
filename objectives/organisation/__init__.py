"""The organisation: people, teams and memberships."""
