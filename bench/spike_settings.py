"""Settings of the submission-spike benchmark's server: production settings plus the bench's own URLconf (which adds
the bare baseline view; production URLs never include it)."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.spike_urls"
