"""IP finance (知识产权金融, SPEC §8): institutions and products, pledge-eligible patents, pledge cases, matching."""
