"""Rehearse the AWS deployment on one machine: the packaged template on moto and osmem-server."""
