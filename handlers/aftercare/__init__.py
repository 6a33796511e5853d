"""Service after signing (协调服务): liaison officers and their check-ins, open problems,
investors' forums and company visits."""
