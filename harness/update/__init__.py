"""Software updates as a unit receives them: update packages, their signatures, the agents' upload APIs."""
