"""mmp_servicekit: the plumbing every service shares."""
