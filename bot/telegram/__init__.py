"""The Telegram layer: the Application, its handlers, and Replies drawn as Telegram messages."""
