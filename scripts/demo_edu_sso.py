# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Demo of single sign-on (R9, R33-1.13).

``load(summary)`` runs inside the demo loader's open transaction as user 0,
after ``scripts/demo_data.load()``.  It registers:

* an OpenID Connect identity provider record (the regional IdP of the
  demo; its client secret is *not* stored: set ``BILIM_SSO_REGION_SECRET``
  or ``[edu_sso region] client_secret`` to use it against a real IdP);
* the record of the SAML identity ``egov`` (usable once the
  ``[authentication_saml]`` section of trytond.conf names it);
* a digital resource, the e-textbook, as a client application of Bilim's
  OpenID Connect provider, with a fresh secret shown in the summary (the
  database keeps only its hash), and the first signing key;
* one grant of the demo learner to the e-textbook, journalled, so that the
  administrator sees it under Configuration › Security › Single Sign-On
  and the auditor sees the ``sso_grant`` entry in the audit journal.
"""

TEXTBOOK_REDIRECT = 'https://textbook.demo.bilim.kz/callback'


def load(summary):
    from trytond.pool import Pool

    pool = Pool()
    try:
        Provider = pool.get('edu.sso.provider')
    except KeyError:
        return {'skipped': 'edu_sso is not activated'}
    Client = pool.get('edu.sso.client')
    Key = pool.get('edu.sso.key')
    Grant = pool.get('edu.sso.grant')
    User = pool.get('res.user')

    providers = Provider.create([{
                'name': "eGov IdP (SAML)",
                'kind': 'saml',
                'code': 'egov',
                'claim': 'iin',
                }, {
                'name': "Өңірлік IdP / Региональный IdP (OpenID Connect)",
                'kind': 'oidc',
                'code': 'region',
                'claim': 'iin',
                'issuer': 'https://idp.region.demo.bilim.kz',
                'client_id': 'bilim-demo',
                'scope': 'openid profile',
                }])
    textbook, = Client.create([{
                'name': "Электронды оқулықтар / Электронные учебники",
                'redirect_uris': TEXTBOOK_REDIRECT,
                'scopes': ['openid', 'profile', 'roles'],
                }])
    secret = Client.generate_secret([textbook])[textbook]
    key = Key.generate()

    learner_login = next((u['login'] for u in summary.get('users', [])
            if u.get('role') in {'learner', 'role_learner'}), None)
    learners = User.search([('login', '=', learner_login)], limit=1) \
        if learner_login else []
    grants = 0
    if learners:
        Grant.authorize(textbook, learners[0], TEXTBOOK_REDIRECT,
            'openid profile roles', nonce='demo')
        grants = 1
    return {
        'providers': [p.code for p in providers],
        'client': textbook.name,
        'client_id': textbook.client_id,
        'client_secret': secret,
        'redirect_uri': TEXTBOOK_REDIRECT,
        'signing_key': key.kid,
        'grants': grants,
        'learner': learner_login,
        }
