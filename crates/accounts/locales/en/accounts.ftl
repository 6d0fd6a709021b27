accounts-errors-title = Please check the following
accounts-email = E-mail address
accounts-email-hint = We will send you a link to confirm it.
accounts-password = Password
accounts-password-hint = At least 12 characters. An easy-to-remember phrase works well.
accounts-password-again = Repeat the password
accounts-new-password = New password
accounts-name = Name
accounts-role = Role
accounts-code = Six-digit code

accounts-login-title = Sign in
accounts-login-submit = Sign in
accounts-login-link = Sign in
accounts-forgot-link = Forgot your password?
accounts-no-account = No account yet?
accounts-register-link = Create an account
accounts-have-account = Already have an account?

accounts-challenge-title = Two-step verification
accounts-challenge-lead = Type the six-digit code your authenticator app shows.
accounts-challenge-submit = Verify

accounts-register-title = Create an account
accounts-register-lead = With an account you can take part in consultations and calls, ask for information to be published and, if you work for a public body, publish data.
accounts-register-submit = Create account
accounts-privacy-accept = I have read the privacy notice and agree to the processing of my data to create my account.

accounts-check-mail-title = Check your e-mail
accounts-check-mail = We sent a message to { $email } with a link to confirm your account. The link expires in 48 hours.
accounts-reset-sent = If { $email } has an account, we sent it a link to choose a new password. The link expires in 2 hours.

accounts-forgot-title = Recover access
accounts-forgot-lead = Type your account's e-mail address and we will send you a link to choose a new password.
accounts-forgot-submit = Send link
accounts-reset-title = Choose a new password
accounts-reset-submit = Save password

accounts-link-invalid-title = Invalid link
accounts-link-invalid = This link is not valid, has been used or has expired. Ask for a new one.

accounts-notice-confirmed = Your e-mail address is confirmed. You can sign in now.
accounts-notice-password-reset = Your password changed. Sign in with the new one; for safety we closed your other sessions.
accounts-notice-signed-out = You signed out.
accounts-notice-deleted = Your account was deleted and your personal data erased.

accounts-error-email-required = Type your e-mail address.
accounts-error-password-required = Type your password.
accounts-error-wrong-credentials = The e-mail address or the password is not correct.
accounts-error-unconfirmed = Before signing in, confirm your e-mail address with the link we sent you.
accounts-error-locked = There were too many failed attempts. For safety, access is locked for { $minutes } minutes. If you do not remember your password, you can reset it.
accounts-error-wrong-code = The code is not correct or has expired. Type the code your app shows now.
accounts-error-name = Type your name (up to 120 characters).
accounts-error-email-invalid = Type a valid e-mail address, for example name@domain.mx.
accounts-error-weak-password = The password must have at least { $min } characters.
accounts-error-passwords-differ = The two passwords do not match.
accounts-error-privacy = To create an account you must accept the privacy notice.
accounts-error-wrong-password = The password is not correct.
accounts-error-role = Choose a role.
accounts-error-token-name = Give the token a name (up to 80 characters).
accounts-error-token-body = Choose the public body the token may write for.
accounts-error-token-scope = Choose whether the token only reads or also writes.
accounts-error-token-days = Choose a validity of 30, 90 or 365 days.

accounts-account-title = My account
accounts-memberships = Public bodies
accounts-no-memberships = Your account does not belong to any public body. If you work for one, ask its administrator to send you an invitation.
accounts-manage-members = manage members
accounts-tokens = API tokens
accounts-tokens-lead = Tokens let your programs use the API with your account. Treat them like passwords.
accounts-token-name = Token name
accounts-token-name-hint = To recognise it later, for example "monthly upload".
accounts-token-scope = Permission
accounts-token-body = Public body
accounts-token-days = Validity (days)
accounts-token-created = Created
accounts-token-expires = Expires
accounts-token-last-used = Last used
accounts-token-actions = Actions
accounts-token-revoke = Revoke { $name }
accounts-token-create = Create token
accounts-scope-read = Read only
accounts-scope-write = Write for { $body }
accounts-scope-write-generic = Write for a public body
accounts-token-created-title = Token created
accounts-token-created-lead = Copy the token now: we will not show it again. It expires in { $days } days.
accounts-token-usage = Use it in the Authorization header of your requests:
accounts-back-to-account = Back to my account

accounts-totp-title = Two-step verification
accounts-totp-on = Two-step verification is on.
accounts-totp-off = Two-step verification is off.
accounts-totp-manage = Manage
accounts-totp-lead = Besides your password, signing in will ask for a code from an authenticator app on your phone.
accounts-totp-step-1 = Open your authenticator app and add a new account.
accounts-totp-step-2 = Type this key:
accounts-totp-step-3 = Type below the six-digit code the app shows.
accounts-totp-uri = Address for apps that accept it:
accounts-totp-enable = Turn on
accounts-totp-disable = Turn two-step verification off

accounts-my-data-title = My personal data
accounts-my-data-lead = Download everything the platform keeps about you (right of access).
accounts-my-data-download = Download my data (JSON)
accounts-delete-title = Delete my account
accounts-delete-lead = Deleting your account erases your name, e-mail and password, closes your sessions and revokes your tokens. What you published as part of a public body stays published, without your name. This cannot be undone.
accounts-password-confirm-delete = Type your password to confirm
accounts-delete-submit = Delete my account

accounts-members-title = Members of { $body }
accounts-members = Members
accounts-no-members = No members yet.
accounts-invite-title = Invite someone
accounts-invite-submit = Send invitation
accounts-invite-sent = We sent an invitation to { $email }.
accounts-invitations = Invitations sent
accounts-invitation-accepted = accepted
accounts-invitation-title = Invitation
accounts-invitation-lead = You were invited to join { $body } with the role "{ $role }".
accounts-invitation-sign-in = To accept it, sign in or create an account with the address { $email }.
accounts-invitation-accept = Accept the invitation
accounts-invitation-other-email = This invitation is for { $email }. Sign in with that address's account to accept it.

mail-confirm-subject = Confirm your Apertura account
mail-confirm-body =
    Hello, { $name }:

    To confirm your account on Apertura, Infoem's proactive-transparency platform, open this link:

    { $link }

    The link expires in 48 hours. If you did not create this account, ignore this message.
mail-already-registered-subject = You already have an Apertura account
mail-already-registered-body =
    Someone tried to create an Apertura account with this address, which already has one.

    If it was you and you do not remember your password, you can choose a new one here:

    { $link }

    If it was not you, ignore this message.
mail-reset-subject = Choose a new Apertura password
mail-reset-body =
    We received a request to change your Apertura password. To choose a new one, open this link:

    { $link }

    The link expires in 2 hours. If you did not ask for it, ignore this message: your password does not change.
mail-invite-subject = Invitation to Apertura
mail-invite-body =
    You were invited to join { $body } on Apertura, Infoem's proactive-transparency platform, with the role "{ $role }".

    To accept, open this link (it expires in 14 days):

    { $link }
