"""CSV import of the inventory: all or nothing, errors by line, idempotent."""

import pytest
from django.core.management import CommandError, call_command

from problems import workflow as problems_workflow
from services.inventory_import import import_inventory_csv
from services.models import Resource, Service, ServiceDependency, Subscription, Supplier

pytestmark = pytest.mark.django_db

SUPPLIERS = """code,name,email,phone
fibreco,FibreCo Field Services,dispatch@fibreco.test,+44 113 000
powergrid,PowerGrid,,
"""
RESOURCES = """code,name,kind,parent,location,supplier
olt-1/1,Card 1,card,olt-1,Leeds exchange,
olt-1,OLT Leeds,OLT,,Leeds exchange,fibreco
core-1,Core router,router,,Leeds DC,
"""


def run(kind, text, actor):
    return import_inventory_csv(kind, text.encode(), actor=actor)


@pytest.fixture
def imported(sue, noc, broadband_category):
    for kind, text in (
        ("suppliers", SUPPLIERS),
        ("resources", RESOURCES),
        (
            "services",
            "code,name,kind,impact_policy,restoration_policy,operations_team,customer_category,"
            "customer_priority\n"
            "ip-core,IP core,transport,link_only,clear,Network operations,,2\n"
            "fibre,Fibre Leeds,Broadband,proactive_problem,propose,network operations,"
            "broadband,high\n",
        ),
        (
            "dependencies",
            "service,depends_on_resource,depends_on_service\n"
            "ip-core,core-1,\nfibre,olt-1/1,\nfibre,,ip-core\n",
        ),
    ):
        result = run(kind, text, sue)
        assert not result.errors, result.errors
    return sue


def test_a_whole_inventory_is_imported(imported, noc, broadband_category):
    card = Resource.objects.get(code="olt-1/1")
    assert card.parent.code == "olt-1" and card.parent.supplier.code == "fibreco"
    fibre = Service.objects.get(code="fibre")
    assert (fibre.kind, fibre.impact_policy, fibre.restoration_policy) == (
        "broadband",
        "proactive_problem",
        "propose",
    )
    assert fibre.operations_team == noc and fibre.customer_category == broadband_category
    assert fibre.customer_priority == 2
    assert ServiceDependency.objects.count() == 3


def test_importing_again_updates_what_changed_and_adds_nothing(imported):
    result = run("suppliers", SUPPLIERS.replace("+44 113 000", "+44 113 999"), imported)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    assert Supplier.objects.get(code="fibreco").phone == "+44 113 999"
    again = run("resources", RESOURCES, imported)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)


def test_subscriptions(imported, company_a, carla):
    text = (
        "customer,service,site,reference,contact,is_active\n"
        "acme,fibre,Leeds HQ,FTTP-0001,carla,yes\n"
        "acme,fibre,Leeds depot,FTTP-0002,,\n"
    )
    result = run("subscriptions", text, imported)
    assert (result.created, result.errors) == (2, [])
    hq = Subscription.objects.get(site="Leeds HQ")
    assert hq.contact == carla and hq.reference == "FTTP-0001" and hq.is_active
    ended = run("subscriptions", text.replace("carla,yes", "carla,no"), imported)
    assert (ended.updated, ended.unchanged) == (1, 1)
    assert not Subscription.objects.get(site="Leeds HQ").is_active


def test_one_bad_row_and_nothing_is_written(imported, company_a, dave):
    text = (
        "customer,service,site,reference,contact\n"
        "acme,fibre,Leeds HQ,,\n"
        "nobody,fibre,Somewhere,,\n"
        "acme,nothing,Leeds,,\n"
        "acme,fibre,Leeds HQ 2,,dave\n"
        "acme,fibre,,,\n"
    )
    result = run("subscriptions", text, imported)
    assert result.errors == [
        "Line 3: No customer with code 'nobody'.",
        "Line 4: No service with code 'nothing'.",
        "Line 5: 'dave' is not a contact of Acme.",
        "Line 6: site is required.",
    ]
    assert str(result) == "Nothing imported: 4 error(s)."
    assert not Subscription.objects.exists()


def test_bad_values_are_named(sue):
    result = run(
        "services",
        "code,name,kind,impact_policy,customer_priority\n"
        "not a slug!,X,broadband,,\n"
        "ok,Y,spaceship,,\n"
        "ok2,Z,voice,shout,\n"
        "ok3,W,voice,,9\n"
        "ok4,V,voice,,,\n",
        sue,
    )
    assert [e.split(":")[0] for e in result.errors] == ["Line 2", "Line 3", "Line 4", "Line 5"]
    assert "code:" in result.errors[0]
    assert "kind must be one of" in result.errors[1]
    assert not Service.objects.exists()


def test_cycles_are_refused(imported):
    result = run(
        "dependencies", "service,depends_on_resource,depends_on_service\nip-core,,fibre\n", imported
    )
    assert result.errors == ["Line 2: ip-core → fibre would make a cycle."]
    loop = run("resources", "code,kind,parent\nolt-1,OLT,olt-1/1\n", imported)
    assert loop.errors == ["Line 2: olt-1 would be a component of itself."]
    assert Resource.objects.get(code="olt-1").parent is None


def test_a_bad_header_is_refused(sue):
    with pytest.raises(problems_workflow.InvalidInput, match="missing: name"):
        run("suppliers", "code,title\nx,y\n", sue)
    with pytest.raises(problems_workflow.InvalidInput, match="Unknown columns: colour"):
        run("suppliers", "code,name,colour\nx,y,red\n", sue)
    with pytest.raises(problems_workflow.InvalidInput, match="Unknown inventory file"):
        run("planets", "code\n", sue)


def test_agents_may_not_import(alice):
    with pytest.raises(problems_workflow.NotPermitted):
        run("suppliers", SUPPLIERS, alice)


def test_the_command(tmp_path, db):
    path = tmp_path / "suppliers.csv"
    path.write_text(SUPPLIERS)
    call_command("import_inventory", "suppliers", str(path), stdout=None)
    assert Supplier.objects.count() == 2
    path.write_text("code,name\n,\n")
    with pytest.raises(CommandError, match="Nothing imported"):
        call_command("import_inventory", "suppliers", str(path), stdout=None, stderr=None)
