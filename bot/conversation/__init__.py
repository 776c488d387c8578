"""Questions asked in channels, as plain text: by mention, by reply, in direct messages, in Q&A
channels and with the "Ask Silicon Bridge" menu.

- ``reading``: is a message for the bot, is it a question, in which language.
- ``followup``: a reply to an answer is asked about what that answer was about.
- ``limits``: how many answers a user and a channel get, and how fast.
- ``service``: the decisions together, and what is kept in the store (Q&A channels, the link from
  each question to the bot's reply and its context).

No discord here; cogs/messages.py and cogs/qa.py are the Discord side.
"""
