"""Catalogue endpoints: the public list and detail, and the admin's list and changes."""
from datetime import timezone
from decimal import Decimal

from pyramid.security import NO_PERMISSION_REQUIRED

from ticketing.api import Service, response
from ticketing.errors import APIError
from ticketing.money import format_cents
from ticketing.pagination import paginate

from . import ADMIN, _, schemas, services

products = Service(name="catalog.products", path="/api/products",
                   description="Active products, and creating products (admin).")
all_products = Service(name="catalog.products_all", path="/api/products/all",
                       description="Every product, active or not (admin).")
product = Service(name="catalog.product", path=r"/api/products/{id:\d+}",
                  description="One product.")
pricing = Service(name="catalog.pricing", path=r"/api/products/{id:\d+}/pricing",
                  description="Price and sale of a product (admin).")


def format_sale(sale):
    """``0.1`` → ``"0.10"``, ``0.125`` → ``"0.125"``: at least two decimals."""
    sale = Decimal(sale).normalize()
    return f"{sale:.2f}" if sale == sale.quantize(Decimal("0.01")) else f"{sale:f}"


def public_json(request, product, texts):
    """The public view of ``product``; ``texts`` (``.name``, ``.description``) in the
    request's locale."""
    return {
        "id": product.id,
        "category": product.category,
        "name": texts.name,
        "description": texts.description,
        "price": format_cents(product.price),
        "sale": format_sale(product.sale),
        "final_price": format_cents(product.final_price),
        "currency": request.registry.settings["ticketing.currency"],
        "stock_quantity": product.stock_quantity,
        "images": list(product.images),
        "is_active": product.is_active,
        "starts_at": product.starts_at.astimezone(timezone.utc).isoformat(),
        "venue": product.venue,
        "timezone": product.timezone,
    }


def admin_json(request, product):
    translations = {
        locale: {"name": row.name, "description": row.description}
        for locale, row in sorted(product.translations.items())
    }
    return {**public_json(request, product, product.text(request.locale_name)),
            "translations": translations}


def product_values(request):
    """The validated body, the time zone defaulting to the setting."""
    values = dict(request.validated["body"])
    values.setdefault("timezone", request.registry.settings["ticketing.catalog.timezone"])
    return values


def find_product(request, active_only):
    found = services.get_product(request.dbsession, request.validated["path"]["id"], active_only)
    if found is None:
        raise APIError(404, "product_not_found", _("This product does not exist."))
    return found


@products.get(schema=schemas.ListProducts(), permission=NO_PERMISSION_REQUIRED,
              response_schemas={"200": response("One page of active products",
                                                schemas.ProductPage())},
              operation_id="list_products", tags=["catalog"])
def list_products(request):
    """Active products, filtered, sorted and paginated; texts in the request's locale."""
    query = request.validated["querystring"]
    statement = services.public_listing(query, request.locale_name)
    return paginate(request.dbsession, statement, query["page"], query["per_page"],
                    lambda row: public_json(request, row, row), scalars=False,
                    params={"locale": request.locale_name})


@all_products.get(schema=schemas.ListAllProducts(), permission=ADMIN,
                  response_schemas={"200": response("One page of products",
                                                    schemas.AdminProductPage())},
                  operation_id="list_all_products", tags=["catalog"])
def list_all_products(request):
    """Every product (filter ``is_active``), with the texts of every locale."""
    query = request.validated["querystring"]
    statement = services.admin_listing(query, request.locale_name)
    return paginate(request.dbsession, statement, query["page"], query["per_page"],
                    lambda row: admin_json(request, row))


@product.get(schema=schemas.GetProduct(), permission=NO_PERMISSION_REQUIRED,
             response_schemas={"200": response("The product", schemas.ProductBodyOut())},
             operation_id="get_product", tags=["catalog"])
def get_product(request):
    """An active product; unknown and inactive ones are 404."""
    found = find_product(request, active_only=True)
    return {"data": public_json(request, found, found.text(request.locale_name))}


@products.post(schema=schemas.CreateProduct(), permission=ADMIN,
               response_schemas={"201": response("Created", schemas.AdminProductBodyOut())},
               operation_id="create_product", tags=["catalog"])
def create_product(request):
    """Create a product; texts for every supported locale are required."""
    created = services.save_product(request.dbsession, None, product_values(request))
    request.response.status_int = 201
    return {"data": admin_json(request, created)}


@product.put(schema=schemas.ReplaceProduct(), permission=ADMIN,
             response_schemas={"200": response("Replaced", schemas.AdminProductBodyOut())},
             operation_id="replace_product", tags=["catalog"])
def replace_product(request):
    """Replace every field of a product (active or not)."""
    found = find_product(request, active_only=False)
    saved = services.save_product(request.dbsession, found, product_values(request))
    return {"data": admin_json(request, saved)}


@pricing.patch(schema=schemas.ChangePricing(), permission=ADMIN,
               response_schemas={"200": response("New pricing", schemas.AdminProductBodyOut())},
               operation_id="change_product_pricing", tags=["catalog"])
def change_pricing(request):
    """Change the price, the sale or both; the final price follows."""
    found = find_product(request, active_only=False)
    body = request.validated["body"]
    found.set_pricing(body.get("price", found.price), body.get("sale", found.sale))
    request.dbsession.flush()
    return {"data": admin_json(request, found)}
