"""pnisim.engine"""
