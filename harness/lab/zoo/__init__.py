"""The zoo: third-party device software from Debian, each unit in its own namespace in factory configuration."""
