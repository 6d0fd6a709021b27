accounts-errors-title = Revise lo siguiente
accounts-email = Correo electrónico
accounts-email-hint = Le enviaremos un enlace para confirmarlo.
accounts-password = Contraseña
accounts-password-hint = Al menos 12 caracteres. Una frase fácil de recordar funciona bien.
accounts-password-again = Repita la contraseña
accounts-new-password = Nueva contraseña
accounts-name = Nombre
accounts-role = Rol
accounts-code = Código de seis dígitos

accounts-login-title = Entrar
accounts-login-submit = Entrar
accounts-login-link = Entrar
accounts-forgot-link = ¿Olvidó su contraseña?
accounts-no-account = ¿Aún no tiene cuenta?
accounts-register-link = Crear una cuenta
accounts-have-account = ¿Ya tiene cuenta?

accounts-challenge-title = Verificación en dos pasos
accounts-challenge-lead = Escriba el código de seis dígitos que muestra su aplicación de autenticación.
accounts-challenge-submit = Verificar

accounts-register-title = Crear una cuenta
accounts-register-lead = Con una cuenta puede participar en consultas y convocatorias, pedir que se publique información y, si trabaja en un sujeto obligado, publicar datos.
accounts-register-submit = Crear cuenta
accounts-privacy-accept = He leído el aviso de privacidad y acepto el tratamiento de mis datos para crear mi cuenta.

accounts-check-mail-title = Revise su correo
accounts-check-mail = Enviamos un mensaje a { $email } con un enlace para confirmar su cuenta. El enlace vence en 48 horas.
accounts-reset-sent = Si { $email } tiene una cuenta, le enviamos un enlace para elegir una nueva contraseña. El enlace vence en 2 horas.

accounts-forgot-title = Recuperar el acceso
accounts-forgot-lead = Escriba el correo de su cuenta y le enviaremos un enlace para elegir una nueva contraseña.
accounts-forgot-submit = Enviar enlace
accounts-reset-title = Elegir una nueva contraseña
accounts-reset-submit = Guardar contraseña

accounts-link-invalid-title = Enlace no válido
accounts-link-invalid = Este enlace no es válido, ya se usó o venció. Pida uno nuevo.

accounts-notice-confirmed = Su correo quedó confirmado. Ya puede entrar.
accounts-notice-password-reset = Su contraseña cambió. Entre con la nueva; por seguridad cerramos sus otras sesiones.
accounts-notice-signed-out = Salió de su cuenta.
accounts-notice-deleted = Su cuenta fue eliminada y sus datos personales borrados.

accounts-error-email-required = Escriba su correo electrónico.
accounts-error-password-required = Escriba su contraseña.
accounts-error-wrong-credentials = El correo o la contraseña no son correctos.
accounts-error-unconfirmed = Antes de entrar confirme su correo con el enlace que le enviamos.
accounts-error-locked = Hubo demasiados intentos fallidos. Por seguridad, el acceso queda bloqueado durante { $minutes } minutos. Si no recuerda su contraseña, puede restablecerla.
accounts-error-wrong-code = El código no es correcto o ya venció. Escriba el código que muestra ahora su aplicación.
accounts-error-name = Escriba su nombre (hasta 120 caracteres).
accounts-error-email-invalid = Escriba un correo electrónico válido, por ejemplo nombre@dominio.mx.
accounts-error-weak-password = La contraseña debe tener al menos { $min } caracteres.
accounts-error-passwords-differ = Las dos contraseñas no coinciden.
accounts-error-privacy = Para crear una cuenta debe aceptar el aviso de privacidad.
accounts-error-wrong-password = La contraseña no es correcta.
accounts-error-role = Elija un rol.
accounts-error-token-name = Ponga un nombre al token (hasta 80 caracteres).
accounts-error-token-body = Elija el sujeto obligado para el que el token podrá escribir.
accounts-error-token-scope = Elija si el token sólo lee o también escribe.
accounts-error-token-days = Elija una vigencia de 30, 90 o 365 días.

accounts-account-title = Mi cuenta
accounts-memberships = Sujetos obligados
accounts-no-memberships = Su cuenta no pertenece a ningún sujeto obligado. Si trabaja en uno, pida a quien lo administra que le envíe una invitación.
accounts-manage-members = administrar integrantes
accounts-tokens = Tokens de API
accounts-tokens-lead = Los tokens permiten que sus programas usen la API con su cuenta. Trátelos como contraseñas.
accounts-token-name = Nombre del token
accounts-token-name-hint = Para reconocerlo después, por ejemplo «carga mensual».
accounts-token-scope = Permiso
accounts-token-body = Sujeto obligado
accounts-token-days = Vigencia (días)
accounts-token-created = Creado
accounts-token-expires = Vence
accounts-token-last-used = Último uso
accounts-token-actions = Acciones
accounts-token-revoke = Revocar { $name }
accounts-token-create = Crear token
accounts-scope-read = Sólo lectura
accounts-scope-write = Escritura para { $body }
accounts-scope-write-generic = Escritura para un sujeto obligado
accounts-token-created-title = Token creado
accounts-token-created-lead = Copie el token ahora: no lo volveremos a mostrar. Vence en { $days } días.
accounts-token-usage = Úselo en el encabezado Authorization de sus solicitudes:
accounts-back-to-account = Volver a mi cuenta

accounts-totp-title = Verificación en dos pasos
accounts-totp-on = La verificación en dos pasos está activada.
accounts-totp-off = La verificación en dos pasos no está activada.
accounts-totp-manage = Administrar
accounts-totp-lead = Además de su contraseña, al entrar se le pedirá un código de una aplicación de autenticación en su teléfono.
accounts-totp-step-1 = Abra su aplicación de autenticación y agregue una cuenta nueva.
accounts-totp-step-2 = Escriba esta clave:
accounts-totp-step-3 = Escriba abajo el código de seis dígitos que muestra la aplicación.
accounts-totp-uri = Dirección para aplicaciones que la aceptan:
accounts-totp-enable = Activar
accounts-totp-disable = Desactivar la verificación en dos pasos

accounts-my-data-title = Mis datos personales
accounts-my-data-lead = Descargue todo lo que la plataforma guarda sobre usted (derecho de acceso).
accounts-my-data-download = Descargar mis datos (JSON)
accounts-delete-title = Eliminar mi cuenta
accounts-delete-lead = Al eliminar su cuenta se borran su nombre, su correo y su contraseña, se cierran sus sesiones y se revocan sus tokens. Lo que haya publicado como parte de un sujeto obligado sigue publicado, sin su nombre. No se puede deshacer.
accounts-password-confirm-delete = Escriba su contraseña para confirmar
accounts-delete-submit = Eliminar mi cuenta

accounts-members-title = Integrantes de { $body }
accounts-members = Integrantes
accounts-no-members = Aún no hay integrantes.
accounts-invite-title = Invitar a una persona
accounts-invite-submit = Enviar invitación
accounts-invite-sent = Enviamos una invitación a { $email }.
accounts-invitations = Invitaciones enviadas
accounts-invitation-accepted = aceptada
accounts-invitation-title = Invitación
accounts-invitation-lead = Le invitaron a formar parte de { $body } con el rol «{ $role }».
accounts-invitation-sign-in = Para aceptarla, entre o cree una cuenta con el correo { $email }.
accounts-invitation-accept = Aceptar la invitación
accounts-invitation-other-email = Esta invitación es para { $email }. Entre con la cuenta de ese correo para aceptarla.

mail-confirm-subject = Confirme su cuenta de Apertura
mail-confirm-body =
    Hola, { $name }:

    Para confirmar su cuenta en Apertura, la plataforma de transparencia proactiva del Infoem, abra este enlace:

    { $link }

    El enlace vence en 48 horas. Si usted no creó esta cuenta, ignore este mensaje.
mail-already-registered-subject = Ya tiene una cuenta en Apertura
mail-already-registered-body =
    Alguien intentó crear una cuenta en Apertura con este correo, que ya tiene una.

    Si fue usted y no recuerda su contraseña, puede elegir una nueva aquí:

    { $link }

    Si no fue usted, ignore este mensaje.
mail-reset-subject = Elija una nueva contraseña de Apertura
mail-reset-body =
    Recibimos una solicitud para cambiar la contraseña de su cuenta de Apertura. Para elegir una nueva, abra este enlace:

    { $link }

    El enlace vence en 2 horas. Si usted no lo pidió, ignore este mensaje: su contraseña no cambia.
mail-invite-subject = Invitación a Apertura
mail-invite-body =
    Le invitaron a formar parte de { $body } en Apertura, la plataforma de transparencia proactiva del Infoem, con el rol «{ $role }».

    Para aceptar, abra este enlace (vence en 14 días):

    { $link }
