"""Adapters to systems outside avvik. Each has a documented contract, a real implementation where the other
side offers one, and is tested against a local fake or a file in the documented format:

- idm: users, roles and units from an identity-management feed (SCIM 2.0, e.g. Region Gotland's IDM).
- cfar: workplace numbers (CFAR, SCB's arbetsställenummer) checked against SCB's register extract.
- forsakringskassan: the work-injury report (arbetsskadeanmälan) prefilled from an arbetsmiljö case.
"""
