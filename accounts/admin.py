from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from .erasure import ErasureRefused, erasure_lines, erasure_plan, erasure_refusal, person_erase
from .models import User


class UserChangeAdminForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"


class UserCreationAdminForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("email",)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserChangeAdminForm
    add_form = UserCreationAdminForm
    ordering = ["email"]
    list_display = ["email", "preferred_name", "pronouns", "language", "time_zone", "is_staff", "is_active"]
    list_filter = ["is_staff", "is_superuser", "is_active", "language", "groups"]
    search_fields = ["email", "preferred_name"]
    readonly_fields = ["last_login", "date_joined", "erased_at"]
    actions = ["erase_people"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Profile"), {"fields": ("preferred_name", "pronouns", "time_zone", "language")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined", "erased_at")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "usable_password", "password1", "password2"),
            },
        ),
    )

    def get_readonly_fields(self, request, obj=None):
        # Who is staff, and what they may see (the "Identity data" group above all), is for superusers to
        # decide: staff who may change people would otherwise give themselves any permission.
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_staff", "is_superuser", "groups", "user_permissions"]
        return fields

    def user_change_password(self, request, id, form_url=""):
        # Setting another staff member's password would be a way into their account (and their
        # permissions, the identity data among them): only superusers may.
        target = self.get_object(request, admin.utils.unquote(id))
        if target and target.is_staff and target.pk != request.user.pk and not request.user.is_superuser:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def has_erase_person_permission(self, request) -> bool:
        return request.user.has_perm("accounts.erase_person")

    def erasure_plan_shown(self, request, person: User) -> dict[str, int]:
        """What erasing ``person`` removes, as this reader may see it: whether they gave self-identification
        answers is itself identity data, counted only for staff who may see the answers."""
        plan = erasure_plan(user=person)
        if not request.user.has_perm("applications.view_identity"):
            plan.pop("identity", None)
        return plan

    @admin.action(description=_("Erase these people"), permissions=["erase_person"])
    def erase_people(self, request, queryset):
        """Asks first (a page listing, for each person, what goes), then erases each one
        (accounts.erasure.person_erase): only anonymous counts of them remain."""
        people = list(queryset.order_by("email"))
        if request.POST.get("post") != "yes":
            context = {
                **self.admin_site.each_context(request),
                "title": gettext("Erase these people?"),
                "opts": self.opts,
                "people": [
                    {
                        "person": person,
                        "refusal": erasure_refusal(user=person, by=request.user),
                        "lines": erasure_lines(self.erasure_plan_shown(request, person)),
                    }
                    for person in people
                ],
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "admin/accounts/user/erase_confirmation.html", context)
        erased = 0
        for person in people:
            try:
                person_erase(user=person, by=request.user)
            except ErasureRefused as error:
                self.message_user(request, f"{person}: {error.message}", messages.ERROR)
                continue
            erased += 1
            person.refresh_from_db()  # the log names the erased account, never the person it was
            self.log_change(
                request, person, [{"changed": {"fields": [str(User._meta.get_field("erased_at").verbose_name)]}}]
            )
        if erased:
            self.message_user(
                request,
                ngettext(
                    "%(count)d person erased: only anonymous counts of them remain.",
                    "%(count)d people erased: only anonymous counts of them remain.",
                    erased,
                )
                % {"count": erased},
                messages.SUCCESS,
            )
        return None
