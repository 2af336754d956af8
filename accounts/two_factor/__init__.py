"""Two-factor sign-in: TOTP authenticators and recovery codes (django-otp); see core."""
