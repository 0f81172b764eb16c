"""Sentiment of posts and comments: engines (snownlp's default, a trainable linear model),
weak labels from Weibo emoticons, training with a held-out comparison, metrics, caching."""
