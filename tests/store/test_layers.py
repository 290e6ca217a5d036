from sitrep_desktop.store import Store
from sitrep_desktop.store.layers import UserLayer, UserLayerRepository


def test_user_layers_are_remembered_in_order_with_their_style(tmp_path):
    path = tmp_path / "p.db"
    with Store.open(path) as store:
        layers = UserLayerRepository(store)
        news = []
        store.subscribe(news.append)
        roads = layers.add(UserLayer(name="roads", path="/x/roads.gpkg", format="GeoPackage"))
        tiles = layers.add(UserLayer(name="relief", path="/x/r.mbtiles", format="MBTiles"))
        layers.update(roads.id, style={"colour": "#ff0000"}, visible=False)
        layers.reorder([tiles.id, roads.id])
        assert {c.kind for c in news} == {"layer"}
    with Store.open(path) as store:
        again = UserLayerRepository(store).all()
    assert [layer.name for layer in again] == ["relief", "roads"]
    assert again[1].style == {"colour": "#ff0000"} and again[1].visible is False


def test_removing_a_layer_forgets_it():
    store = Store.memory()
    layers = UserLayerRepository(store)
    layer = layers.add(UserLayer(name="a", path="/a.kml", format="KML"))
    layers.remove(layer.id)
    assert layers.all() == []
