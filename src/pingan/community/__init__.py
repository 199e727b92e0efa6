"""Community (群防群治): volunteers and teams, shifts and joint patrols with check-ins, clues,
drills (演练) and the registry of police–citizen group chats (警民群) with their health.

One job per module, as the other domain packages.
"""
