"""pnisim.evidence"""
