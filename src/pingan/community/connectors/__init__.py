"""Real group-chat connectors: the WeCom (企业微信) app callback and the DingTalk outgoing
robot, built to the platforms' published protocols, feeding the chat intake
(:mod:`pingan.incidents.chat`).

- :mod:`.wecom` and :mod:`.dingtalk`: the protocols alone (signatures, AES framing, XML
  and JSON), no database;
- :mod:`.sealing`: the groups' secrets encrypted at rest;
- :mod:`.models`: a group's connector and the replay guard's memory;
- :mod:`.registry`: connecting a group (the CLI);
- :mod:`.verify`: an incoming callback checked against its connector;
- :mod:`.receive`: a checked message taken in as a chat message (and draft incident).
"""
