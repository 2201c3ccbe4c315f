"""Gazetteer of real place names for finding cities and countries in running text ("Schule in Jena", "in Peru gelebt").

A capitalised word after "in" is usually a noun ("in Ruhe", "in Narkose"), so a place without an address around it
is only taken when it is a known place: Faker's de_DE/de_AT/de_CH city lists plus major DACH and world cities in
their German spelling. Names that are also ordinary words ("Essen", "Regen", "Norden") are matched only in address
context (postcode, "Ort, den <Datum>"), never after a preposition.
"""

from __future__ import annotations

import re

from faker.providers.address.de_AT import Provider as _AT
from faker.providers.address.de_CH import Provider as _CH
from faker.providers.address.de_DE import Provider as _DE

_MAJOR_DACH = """
Berlin, Hamburg, München, Köln, Frankfurt, Frankfurt am Main, Frankfurt (Oder), Stuttgart, Düsseldorf, Leipzig, Dortmund, Essen,
Bremen, Dresden, Hannover, Nürnberg, Duisburg, Bochum, Wuppertal, Bielefeld, Bonn, Münster, Mannheim, Karlsruhe, Augsburg,
Wiesbaden, Mönchengladbach, Gelsenkirchen, Aachen, Braunschweig, Kiel, Chemnitz, Halle, Halle (Saale), Magdeburg, Freiburg,
Freiburg im Breisgau, Krefeld, Mainz, Lübeck, Erfurt, Oberhausen, Rostock, Kassel, Hagen, Potsdam, Saarbrücken, Hamm, Ludwigshafen,
Oldenburg, Mülheim, Mülheim an der Ruhr, Osnabrück, Leverkusen, Heidelberg, Darmstadt, Solingen, Regensburg, Herne, Paderborn,
Neuss, Ingolstadt, Offenbach, Fürth, Würzburg, Ulm, Heilbronn, Pforzheim, Wolfsburg, Göttingen, Bottrop, Reutlingen, Koblenz,
Bremerhaven, Recklinghausen, Erlangen, Bergisch Gladbach, Remscheid, Jena, Trier, Salzgitter, Moers, Siegen, Hildesheim, Cottbus,
Gütersloh, Kaiserslautern, Witten, Schwerin, Gera, Iserlohn, Zwickau, Düren, Esslingen, Ratingen, Flensburg, Lünen, Hanau,
Villingen-Schwenningen, Konstanz, Marl, Worms, Velbert, Minden, Dessau-Roßlau, Neumünster, Norderstedt, Delmenhorst, Wilhelmshaven,
Viersen, Gladbeck, Dorsten, Rheine, Detmold, Troisdorf, Castrop-Rauxel, Arnsberg, Lüneburg, Bocholt, Garbsen, Brandenburg, Bayreuth,
Celle, Landshut, Aalen, Lippstadt, Dinslaken, Herford, Kempten, Rüsselsheim, Fulda, Weimar, Greifswald, Stralsund, Neubrandenburg,
Görlitz, Bautzen, Plauen, Freiberg, Halberstadt, Wittenberg, Eisenach, Gotha, Nordhausen, Suhl, Mühlhausen, Apolda, Altenburg,
Saalfeld, Rudolstadt, Ilmenau, Arnstadt, Sömmerda, Erding, Passau, Rosenheim, Bamberg, Schweinfurt, Aschaffenburg, Amberg, Weiden,
Straubing, Deggendorf, Memmingen, Kaufbeuren, Neu-Ulm, Lindau, Friedrichshafen, Ravensburg, Tübingen, Ludwigsburg, Sindelfingen,
Böblingen, Göppingen, Heidenheim, Schwäbisch Hall, Offenburg, Lörrach, Baden-Baden, Rastatt, Speyer, Landau, Neustadt, Pirmasens,
Zweibrücken, Homburg, Neunkirchen, Saarlouis, Idar-Oberstein, Bad Kreuznach, Gießen, Marburg, Wetzlar, Limburg, Bad Homburg,
Bad Nauheim, Bad Hersfeld, Bad Arolsen, Herborn, Dillenburg, Wolfenbüttel, Goslar, Peine, Gifhorn, Uelzen, Stade, Cuxhaven, Emden,
Leer, Aurich, Lingen, Meppen, Nordhorn, Vechta, Cloppenburg, Husum, Schleswig, Rendsburg, Itzehoe, Elmshorn, Pinneberg, Wedel,
Ahrensburg, Eutin, Wismar, Güstrow, Neuruppin, Eberswalde, Oranienburg, Senftenberg, Hoyerswerda, Riesa, Meißen, Pirna, Freital,
Radebeul, Döbeln, Torgau, Delitzsch, Merseburg, Naumburg, Weißenfels, Zeitz, Sangerhausen, Bernburg, Köthen, Stendal, Salzwedel,
Quedlinburg, Wernigerode, Bad Oeynhausen, Bad Salzuflen, Soest, Unna, Ahlen, Beckum, Warendorf, Coesfeld, Borken, Kleve, Wesel,
Emmerich, Geldern, Erkelenz, Heinsberg, Jülich, Eschweiler, Euskirchen, Brühl, Hürth, Frechen, Kerpen, Bergheim, Pulheim,
Dormagen, Grevenbroich, Meerbusch, Hilden, Langenfeld, Mettmann, Gummersbach, Lüdenscheid, Menden, Meschede, Brilon, Winterberg,
Bad Kissingen, Bad Tölz, Bad Reichenhall, Garmisch-Partenkirchen, Heringsdorf, Borkum, Norderney, Sylt, Westerland,
Wien, Graz, Linz, Salzburg, Innsbruck, Klagenfurt, Villach, Wels, Sankt Pölten, St. Pölten, Dornbirn, Wiener Neustadt, Steyr,
Feldkirch, Bregenz, Leonding, Klosterneuburg, Baden, Wolfsberg, Leoben, Krems, Traun, Amstetten, Lustenau, Kapfenberg, Mödling,
Hallein, Kufstein, Traiskirchen, Schwechat, Braunau, Stockerau, Saalfelden, Tulln, Hohenems, Spittal, Telfs, Ternitz,
Perchtoldsdorf, Feldkirchen, Bludenz, Bad Ischl, Eisenstadt, Schwaz, Hall in Tirol, Gmunden, Wörgl, Vöcklabruck, Lienz, Leibnitz,
Rankweil, Hollabrunn, Gänserndorf, Mistelbach, Zwettl, Melk,
Zürich, Genf, Basel, Lausanne, Bern, Winterthur, Luzern, St. Gallen, Lugano, Biel, Thun, Köniz, Schaffhausen, Chur, Neuenburg,
Uster, Sitten, Zug, Aarau, Solothurn, Olten, Wettingen, Frauenfeld, Kreuzlingen, Davos, Locarno, Bellinzona, Montreux, Vevey,
Yverdon, Kriens, Rapperswil, Dübendorf, Dietikon, Wädenswil, Riehen, Allschwil, Liestal, Vaduz, Luxemburg, Bozen, Meran
"""
_WORLD = """
Belgrad, Novi Sad, Niš, Zagreb, Split, Rijeka, Osijek, Sarajevo, Mostar, Banja Luka, Tuzla, Ljubljana, Maribor, Skopje, Priština,
Pristina, Prizren, Tirana, Podgorica, Sofia, Plowdiw, Warna, Bukarest, Cluj-Napoca, Klausenburg, Temeswar, Timișoara, Iași, Kronstadt,
Hermannstadt, Budapest, Debrecen, Szeged, Pécs, Preßburg, Bratislava, Košice, Kaschau, Prag, Brünn, Pilsen, Ostrau, Warschau, Krakau,
Breslau, Danzig, Posen, Stettin, Lodz, Łódź, Kattowitz, Lublin, Königsberg, Kaliningrad, Wilna, Vilnius, Kaunas, Riga, Tallinn,
Minsk, Kiew, Kyjiw, Lemberg, Lwiw, Charkiw, Odessa, Dnipro, Donezk, Moskau, Sankt Petersburg, St. Petersburg, Nowosibirsk,
Jekaterinburg, Kasan, Wolgograd, Samara, Omsk, Chisinau, Kischinau, Istanbul, Ankara, Izmir, Antalya, Bursa, Adana, Konya, Gaziantep,
Diyarbakır, Diyarbakir, Trabzon, Kayseri, Mersin, Athen, Thessaloniki, Saloniki, Patras, Heraklion, Nikosia, Limassol, Rom, Mailand,
Neapel, Turin, Palermo, Genua, Bologna, Florenz, Venedig, Verona, Triest, Trient, Padua, Bari, Catania, Paris, Marseille, Lyon,
Toulouse, Nizza, Nantes, Straßburg, Bordeaux, Lille, Montpellier, Rennes, Metz, Nancy, London, Manchester, Birmingham, Liverpool,
Edinburgh, Glasgow, Dublin, Cork, Belfast, Amsterdam, Rotterdam, Den Haag, Utrecht, Eindhoven, Maastricht, Brüssel, Antwerpen,
Gent, Lüttich, Brügge, Kopenhagen, Aarhus, Odense, Stockholm, Göteborg, Malmö, Uppsala, Oslo, Bergen, Trondheim, Helsinki, Tampere,
Turku, Reykjavík, Reykjavik, Madrid, Barcelona, Valencia, Sevilla, Málaga, Bilbao, Saragossa, Palma, Lissabon, Porto, Coimbra,
New York, Los Angeles, Chicago, Houston, Boston, San Francisco, Washington, Miami, Seattle, Toronto, Montreal, Vancouver,
Mexiko-Stadt, Havanna, Bogotá, Lima, Santiago, Buenos Aires, Montevideo, Caracas, Quito, La Paz, Rio de Janeiro, São Paulo,
Brasília, Kairo, Alexandria, Tunis, Algier, Casablanca, Rabat, Marrakesch, Tripolis, Khartum, Addis Abeba, Nairobi, Lagos, Abuja,
Accra, Dakar, Kinshasa, Luanda, Johannesburg, Kapstadt, Pretoria, Durban, Teheran, Isfahan, Täbris, Maschhad, Schiras, Bagdad,
Basra, Mossul, Erbil, Damaskus, Aleppo, Homs, Latakia, Beirut, Amman, Jerusalem, Tel Aviv, Haifa, Riad, Dschidda, Mekka, Medina,
Dubai, Abu Dhabi, Doha, Maskat, Sanaa, Aden, Kabul, Herat, Kandahar, Islamabad, Karatschi, Lahore, Peschawar, Neu-Delhi, Delhi,
Mumbai, Bombay, Kalkutta, Chennai, Bangalore, Hyderabad, Colombo, Dhaka, Kathmandu, Peking, Beijing, Shanghai, Hongkong, Kanton,
Wuhan, Tokio, Osaka, Kyoto, Seoul, Pjöngjang, Taipeh, Manila, Bangkok, Hanoi, Saigon, Jakarta, Kuala Lumpur, Singapur, Sydney,
Melbourne, Brisbane, Perth, Auckland, Wellington, Taschkent, Almaty, Astana, Bischkek, Duschanbe, Aschgabat, Baku, Tiflis, Eriwan,
Grosny, Machatschkala, Mallorca, Teneriffa, Gran Canaria, Fuerteventura, Lanzarote, Ibiza, Kreta, Rhodos, Korfu, Zypern, Sizilien,
Sardinien, Korsika, Bali, Phuket, Malediven
"""
_MORE_COUNTRIES = "Kosovo, USA, Russland, Tschechien, Weißrussland, Moldawien, Mazedonien, Nordirland, Schottland, England, Wales"
# ordinary words, directions or surnames that are also places: taken only in address context, never after "in"/"nach"
AMBIGUOUS = frozenset(
    {
        "Essen",
        "Regen",
        "Norden",
        "Brand",
        "Burg",
        "Bogen",
        "Forst",
        "Aue",
        "Waren",
        "Wald",
        "Baden",
        "Zug",
        "Weil",
        "Hof",
        "Halle",
        "Roth",
        "Haag",
        "Horn",
        "Leer",
        "Bergen",
        "Siegen",
        "Buchs",
        "Bulle",
        "Gland",
        "Split",
        "Nancy",
        "Palma",
        "Porto",
        "Santiago",
        "Washington",
        "Posen",
        "Weiden",
        "Sitten",
        "Schlieren",
        "Meilen",
        "Geldern",
        "Wedel",
        "Grein",
    }
)


def _split(block: str) -> set[str]:
    return {c.strip() for c in block.split(",") if c.strip()}


# Faker's lists, without its few garbled entries ("Badibling", "Hansestadttralsund", "Biel/Bienne", "... 1")
CITIES = frozenset(
    {
        c
        for c in (*_DE.cities, *_AT.cities, *_CH.cities)
        if re.fullmatch(r"[^\d/]+", c) and not re.match(r"Bad[a-z]|Hansestadt|Neustadtner", c)
    }
    | _split(_MAJOR_DACH)
    | _split(_WORLD)
)
COUNTRIES = frozenset({c for c in _DE.countries if " und " not in c and len(c.split()) <= 2} | _split(_MORE_COUNTRIES))
PLACES = CITIES | COUNTRIES


def _alternation(names) -> str:
    return "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))


# a known place as a whole word, longest first ("Frankfurt am Main" before "Frankfurt"); ambiguous words excluded
PLACE_RE = rf"(?:{_alternation(PLACES - AMBIGUOUS)})(?:-[A-ZÄÖÜ][a-zäöüß]+)*(?![\w\-])"  # a district may follow: "Berlin-Buch"
