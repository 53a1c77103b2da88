"""The signed token in every reminder e-mail's unsubscribe link: it names the person, and whoever
holds it may switch that person's reminder e-mails off or back on, without logging in."""

from django.core import signing

from objectives.models import User

UNSUBSCRIBE_SALT = "okr.reminders.unsubscribe"


def unsubscribe_token(user: User) -> str:
    """A signed token that lets its holder turn this person's reminders off (and on), no login.

    The same for every e-mail to the person and without expiry: an unsubscribe link must keep
    working in an old e-mail, and all it can do is switch that person's e-mails off or on.
    """
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign_object(user.pk)


def user_for_unsubscribe_token(token: str) -> User | None:
    try:
        user_id = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError):
        return None
    if not isinstance(user_id, int):
        return None
    return User.objects.filter(pk=user_id).first()
